"""Identity resolution (API_GetMatches and the seed's matching examples,
API_GetIdentityResolutionJob, API_ListIdentityResolutionJobs, API_ListRuleBasedMatches,
API_GetSimilarProfiles, API_GetAutoMergingPreview; cp_mock.run_identity_resolution)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock import run_identity_resolution
from tests.consistency import assert_consistent
from tests.factories import create_profile as make


@pytest.fixture
def matching_domain(client: Any) -> str:
    client.create_domain(DomainName="ir", DefaultExpirationDays=30, Matching={"Enabled": True})
    return "ir"


def groups(matches: dict[str, Any]) -> list[set[str]]:
    return [set(m["ProfileIds"]) for m in matches["Matches"]]


def test_get_matches_needs_matching_enabled(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_matches(DomainName=domain)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    assert "Matching" in excinfo.value.response["Error"]["Message"]


def test_the_seeds_examples_match(client: Any, matching_domain: str) -> None:
    # GetMatches: "John Doe and Jhn Doe", "JOHN_DOE@ANYCOMPANY.COM and johndoe@anycompany.com",
    # "555-010-0000 and +1-555-010-0000" can be detected as the same customer.
    d = matching_domain
    names = {make(client, d, FirstName="John", LastName="Doe"),
             make(client, d, FirstName="Jhn", LastName="Doe")}  # fmt: skip
    emails = {make(client, d, EmailAddress="JOHN_DOE@ANYCOMPANY.COM"),
              make(client, d, PersonalEmailAddress="johndoe@anycompany.com")}  # fmt: skip
    phones = {make(client, d, PhoneNumber="555-010-0000"),
              make(client, d, MobilePhoneNumber="+1-555-010-0000")}  # fmt: skip
    make(client, d, FirstName="Zoe", LastName="Quill", PhoneNumber="555-999-1234")
    assert client.get_matches(DomainName=d)["Matches"] == []  # no job has run yet
    job = run_identity_resolution(d)
    assert job["Status"] == "COMPLETED"
    assert job["JobStats"] == {"NumberOfProfilesReviewed": 7, "NumberOfMatchesFound": 3,
                               "NumberOfMergesDone": 0}  # fmt: skip
    matches = client.get_matches(DomainName=d)
    assert sorted(map(sorted, groups(matches))) == sorted(map(sorted, [names, emails, phones]))
    assert matches["PotentialMatches"] == 3
    scores = {frozenset(m["ProfileIds"]): m["ConfidenceScore"] for m in matches["Matches"]}
    assert scores[frozenset(names)] == pytest.approx(0.525)  # 0.6 x name similarity 0.875
    assert scores[frozenset(emails)] == pytest.approx(0.8)
    assert "MatchGenerationDate" in matches


def test_jobs_are_listed_and_described(client: Any, matching_domain: str) -> None:
    first = run_identity_resolution(matching_domain)["JobId"]
    second = run_identity_resolution(matching_domain)["JobId"]
    listed = client.list_identity_resolution_jobs(DomainName=matching_domain)
    assert [j["JobId"] for j in listed["IdentityResolutionJobsList"]] == [second, first]
    job = client.get_identity_resolution_job(DomainName=matching_domain, JobId=first)
    assert job["JobExpirationTime"] - job["JobEndTime"] == timedelta(days=7)
    with pytest.raises(ClientError) as excinfo:
        client.get_identity_resolution_job(DomainName=matching_domain, JobId="0" * 32)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_jobs_run_on_their_schedule_by_the_mock_clock(client: Any) -> None:
    with freeze_time("2031-03-05T12:00:00Z") as clock:  # a Wednesday
        client.create_domain(
            DomainName="weekly", DefaultExpirationDays=30,
            Matching={"Enabled": True,
                      "JobSchedule": {"DayOfTheWeek": "FRIDAY", "Time": "18:30"}},
        )  # fmt: skip
        make(client, "weekly", EmailAddress="a@x.com")
        make(client, "weekly", EmailAddress="A@X.COM")
        assert client.get_matches(DomainName="weekly")["Matches"] == []
        clock.tick(timedelta(days=2, hours=6, minutes=31))  # Friday 18:31
        jobs = client.list_identity_resolution_jobs(DomainName="weekly")[
            "IdentityResolutionJobsList"
        ]
        assert len(jobs) == 1
        assert jobs[0]["JobStartTime"].isoformat().startswith("2031-03-07T18:30")
        assert len(client.get_matches(DomainName="weekly")["Matches"]) == 1
        clock.tick(timedelta(days=1))
        assert len(client.list_identity_resolution_jobs(DomainName="weekly")[
            "IdentityResolutionJobsList"]) == 1  # fmt: skip
        clock.tick(timedelta(days=6))  # the next Friday, past 18:30
        assert len(client.list_identity_resolution_jobs(DomainName="weekly")[
            "IdentityResolutionJobsList"]) == 2  # fmt: skip


def test_default_schedule_is_saturday_midnight_utc(client: Any) -> None:
    # GetMatches: "Amazon Connect starts a batch process every Saturday at 12AM UTC".
    with freeze_time("2031-03-06T09:00:00Z") as clock:  # a Thursday
        client.create_domain(DomainName="sat", DefaultExpirationDays=30,
                             Matching={"Enabled": True})  # fmt: skip
        clock.tick(timedelta(days=1, hours=14, minutes=59))  # Friday 23:59
        assert client.list_identity_resolution_jobs(DomainName="sat")[
            "IdentityResolutionJobsList"] == []  # fmt: skip
        clock.tick(timedelta(minutes=2))  # Saturday 00:01
        [job] = client.list_identity_resolution_jobs(DomainName="sat")[
            "IdentityResolutionJobsList"]  # fmt: skip
        assert job["JobStartTime"].isoformat().startswith("2031-03-08T00:00")


def test_auto_merging_merges_what_consolidates(client: Any, customerprofiles_backend: Any) -> None:
    client.create_domain(
        DomainName="auto", DefaultExpirationDays=30,
        Matching={"Enabled": True, "AutoMerging": {
            "Enabled": True,
            "Consolidation": {"MatchingAttributesList": [["EmailAddress"]]},
            "ConflictResolution": {"ConflictResolvingModel": "RECENCY"},
        }},
    )  # fmt: skip
    older = make(client, "auto", EmailAddress="sam@example.com", FirstName="Sam")
    newer = make(client, "auto", EmailAddress="SAM@example.com", LastName="Smith")
    make(client, "auto", FirstName="Pat", LastName="Lee")
    make(client, "auto", FirstName="Pat", LastName="Lee")  # matches by name, not consolidated
    preview = client.get_auto_merging_preview(
        DomainName="auto", Consolidation={"MatchingAttributesList": [["EmailAddress"]]},
        ConflictResolution={"ConflictResolvingModel": "RECENCY"},
    )  # fmt: skip
    assert preview["NumberOfMatchesInSample"] == 0  # no job has run to sample from
    job = run_identity_resolution("auto")
    assert job["JobStats"]["NumberOfMatchesFound"] == 2
    assert job["JobStats"]["NumberOfMergesDone"] == 1
    # RECENCY: the newest profile is the main one and keeps its id; the other is merged in
    found = client.search_profiles(DomainName="auto", KeyName="_profileId", Values=[older])
    merged = found["Items"][0]
    assert merged["ProfileId"] == newer
    assert (merged["FirstName"], merged["LastName"]) == ("Sam", "Smith")
    assert client.get_domain(DomainName="auto")["Stats"]["ProfileCount"] == 3
    assert_consistent(customerprofiles_backend)


def test_auto_merging_preview_counts(client: Any, matching_domain: str) -> None:
    for _ in range(3):
        make(client, matching_domain, EmailAddress="same@example.com", FirstName="Al")
    make(client, matching_domain, PhoneNumber="+1 555 010 0100")
    make(client, matching_domain, PhoneNumber="555-010-0100")
    run_identity_resolution(matching_domain)
    preview = client.get_auto_merging_preview(
        DomainName=matching_domain,
        Consolidation={"MatchingAttributesList": [["EmailAddress", "FirstName"]]},
        ConflictResolution={"ConflictResolvingModel": "RECENCY"},
    )  # fmt: skip
    assert preview["NumberOfMatchesInSample"] == 2
    assert preview["NumberOfProfilesInSample"] == 5
    assert preview["NumberOfProfilesWillBeMerged"] == 2


def test_rule_based_matching(client: Any) -> None:
    client.create_domain(
        DomainName="rules", DefaultExpirationDays=30,
        RuleBasedMatching={
            "Enabled": True,
            "MatchingRules": [{"Rule": ["EmailAddress"]}, {"Rule": ["LastName", "Address.City"]}],
            "AttributeTypesSelector": {"AttributeMatchingModel": "MANY_TO_MANY"},
        },
    )  # fmt: skip
    status = client.get_domain(DomainName="rules")["RuleBasedMatching"]["Status"]
    assert status == "ACTIVE"
    a = make(client, "rules", EmailAddress="kim@example.com")
    b = make(client, "rules", BusinessEmailAddress="KIM@example.com")
    c = make(client, "rules", LastName="Ng", Address={"City": "Oslo"})
    d = make(client, "rules", LastName="ng", Address={"City": "OSLO"})
    make(client, "rules", LastName="Ng", Address={"City": "Bergen"})
    match_ids = client.list_rule_based_matches(DomainName="rules")["MatchIds"]
    assert len(match_ids) == 2
    similar = client.get_similar_profiles(
        DomainName="rules", MatchType="RULE_BASED_MATCHING", SearchKey="_profileId", SearchValue=a
    )
    assert set(similar["ProfileIds"]) == {a, b} and similar["RuleLevel"] == 1
    assert similar["MatchId"] in match_ids
    by_name = client.get_similar_profiles(
        DomainName="rules", MatchType="RULE_BASED_MATCHING", SearchKey="_profileId", SearchValue=c
    )
    assert set(by_name["ProfileIds"]) == {c, d} and by_name["RuleLevel"] == 2


def test_similar_profiles_from_the_latest_job(client: Any, matching_domain: str) -> None:
    a = make(client, matching_domain, PhoneNumber="+15550100100")
    b = make(client, matching_domain, HomePhoneNumber="(555) 010-0100")
    lone = make(client, matching_domain, FirstName="Lone")
    run_identity_resolution(matching_domain)
    similar = client.get_similar_profiles(
        DomainName=matching_domain, MatchType="ML_BASED_MATCHING", SearchKey="_phone",
        SearchValue="+15550100100",
    )  # fmt: skip
    assert set(similar["ProfileIds"]) == {a, b} and similar["ConfidenceScore"] == 0.8
    alone = client.get_similar_profiles(
        DomainName=matching_domain, MatchType="ML_BASED_MATCHING", SearchKey="_profileId",
        SearchValue=lone,
    )  # fmt: skip
    assert alone["ProfileIds"] == []
    with pytest.raises(ClientError) as excinfo:
        client.get_similar_profiles(
            DomainName=matching_domain, MatchType="ML_BASED_MATCHING", SearchKey="_phone",
            SearchValue="nobody",
        )  # fmt: skip
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_rule_based_matches_need_rule_based_matching(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_rule_based_matches(DomainName=domain)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
