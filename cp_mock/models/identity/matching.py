"""Identity resolution: jobs, matches, rule-based matching and auto-merging
(API_GetMatches, API_GetIdentityResolutionJob, API_ListIdentityResolutionJobs,
API_ListRuleBasedMatches, API_GetSimilarProfiles, API_GetAutoMergingPreview).

AWS runs ML matching as a weekly batch job; the mock runs it when asked
(``cp_mock.run_identity_resolution``), as a job that completes at once. GetMatches returns
the latest job's results and needs Matching enabled on the domain, as its page says.
Rule-based matching is evaluated on the current profiles whenever it is asked for.
The engine and its scores are described in models/engines/matcher.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...compat.moto import mock_random
from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core.clock import now
from ..core.operations import operation
from ..engines.matcher import find_matches, rule_groups, rule_values
from .merge import merge

RESULTS_KEPT = timedelta(days=7)  # GetMatches: "results are returned up to seven days after"
DEFAULT_SCHEDULE = {"DayOfTheWeek": "SATURDAY", "Time": "00:00"}  # GetMatches: weekly batch
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def latest_scheduled(schedule: dict[str, Any], moment: datetime) -> datetime:
    """The latest time at or before ``moment`` that a weekly JobSchedule (UTC) names."""
    hours, minutes = (int(part) for part in str(schedule["Time"]).split(":"))
    day = DAYS.index(schedule["DayOfTheWeek"])
    candidate = moment.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    candidate -= timedelta(days=(moment.weekday() - day) % 7)
    if candidate > moment:
        candidate -= timedelta(days=7)
    return candidate


def match_id(profile_ids: list[str]) -> str:
    return hashlib.sha256("|".join(sorted(profile_ids)).encode()).hexdigest()[:32]


@dataclass
class IdentityResolutionJob:
    job_id: str
    started_at: datetime
    matches: list[tuple[list[str], float]]
    profiles_reviewed: int
    auto_merging: dict[str, Any] | None
    merges_done: int = 0
    ended_at: datetime = field(default_factory=now)

    def describe(self, domain_name: str, full: bool) -> dict[str, Any]:
        described: dict[str, Any] = {
            "DomainName": domain_name,
            "JobId": self.job_id,
            "Status": "COMPLETED",
            "JobStartTime": self.started_at,
            "JobEndTime": self.ended_at,
            "JobStats": {
                "NumberOfProfilesReviewed": self.profiles_reviewed,
                "NumberOfMatchesFound": len(self.matches),
                "NumberOfMergesDone": self.merges_done,
            },
            "Message": "The identity resolution job completed",
        }
        if full:
            described["LastUpdatedAt"] = self.ended_at
            described["JobExpirationTime"] = self.ended_at + RESULTS_KEPT
            if self.auto_merging:
                described["AutoMerging"] = self.auto_merging
        return described


def _consolidates(profiles: list[dict[str, Any]], attribute_lists: list[list[str]]) -> bool:
    """Auto-merging's Consolidation: some list of attributes has one value on them all."""
    for attributes in attribute_lists:
        if all(
            len({frozenset(rule_values(p, a, {})) for p in profiles}) == 1
            and rule_values(profiles[0], a, {})
            for a in attributes
        ):
            return True
    return False


class MatchingOperations(BackendState):
    def _matching(self, domain: Domain) -> dict[str, Any]:
        matching = domain.settings.get("Matching") or {}
        if not matching.get("Enabled"):
            raise BadRequestException(
                "Matching is not enabled: use CreateDomain or UpdateDomain to set "
                "Matching.Enabled to true"
            )
        return dict(matching)

    def _main_of(self, domain: Domain, group: list[str], resolution: dict[str, Any]) -> str:
        """ConflictResolution picks the main profile: RECENCY the newest profile, SOURCE
        the one holding objects of the SourceName type (else the newest)."""
        newest = max(group, key=lambda pid: domain.profile_rank[pid])
        if resolution.get("ConflictResolvingModel") == "SOURCE":
            source = resolution.get("SourceName")
            holding = [pid for pid in group if domain.objects.of_profile(pid, source)]
            if holding:
                return max(holding, key=lambda pid: domain.profile_rank[pid])
        return newest

    def _mergeable(
        self, domain: Domain, matches: list[tuple[list[str], float]], auto_merging: dict[str, Any]
    ) -> list[list[str]]:
        attribute_lists = (auto_merging.get("Consolidation") or {}).get("MatchingAttributesList")
        least = auto_merging.get("MinAllowedConfidenceScoreForMerging")
        groups = []
        for members, score in matches:
            if least is not None and score < least:
                continue
            profiles = [domain.profiles[pid] for pid in members if pid in domain.profiles]
            if len(profiles) < 2:
                continue
            if attribute_lists and not _consolidates(profiles, attribute_lists):
                continue
            groups.append([p["ProfileId"] for p in profiles])
        return groups

    def run_identity_resolution(self, domain_name: str) -> dict[str, Any]:
        """Run an identity resolution job now (AWS runs it weekly), auto-merging as
        configured; the job is then visible to GetIdentityResolutionJob."""
        domain = self.get_domain_state(domain_name)
        return self._run_job(domain, now()).describe(domain_name, full=True)

    def _run_scheduled(self, domain: Domain) -> None:
        """Run the job the schedule says is due, judged by the mock's clock: once for the
        latest scheduled moment since the domain changed or a job last ran (GetMatches:
        "every Saturday at 12AM UTC" unless Matching.JobSchedule says otherwise). It works
        on the profiles as they are when it is noticed."""
        matching = domain.settings.get("Matching") or {}
        if not matching.get("Enabled"):
            return
        due = latest_scheduled(matching.get("JobSchedule") or DEFAULT_SCHEDULE, now())
        last_job = domain.identity_jobs[-1].started_at if domain.identity_jobs else None
        if due > max(filter(None, (domain.last_updated_at, last_job))):
            self._run_job(domain, due, scheduled=True)

    def _run_job(
        self, domain: Domain, started: datetime, scheduled: bool = False
    ) -> IdentityResolutionJob:
        matching = self._matching(domain)

        matches = find_matches(domain.profiles)
        auto_merging = matching.get("AutoMerging") or None
        job = IdentityResolutionJob(
            job_id=str(mock_random.uuid4().hex), started_at=started, matches=matches,
            profiles_reviewed=len(domain.profiles), auto_merging=auto_merging,
        )  # fmt: skip
        if auto_merging and auto_merging.get("Enabled"):
            resolution = auto_merging.get("ConflictResolution") or {}
            for group in self._mergeable(domain, matches, auto_merging):
                main = self._main_of(domain, group, resolution)
                others = [domain.profiles[pid] for pid in group if pid != main]
                merge(self, domain, domain.profiles[main], others, {})
                job.merges_done += len(others)
        job.ended_at = started if scheduled else now()
        domain.identity_jobs.append(job)
        return job

    def _job(self, domain: Domain, job_id: str) -> IdentityResolutionJob:
        for job in domain.identity_jobs:
            if job.job_id == job_id:
                assert isinstance(job, IdentityResolutionJob)
                return job
        raise ResourceNotFoundException(f"Identity resolution job {job_id} does not exist")

    @operation("GetIdentityResolutionJob")
    def get_identity_resolution_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._run_scheduled(domain)
        return self._job(domain, job_id).describe(domain_name, full=True)

    @operation("ListIdentityResolutionJobs")
    def list_identity_resolution_jobs(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._run_scheduled(domain)
        return {
            "IdentityResolutionJobsList": [
                job.describe(domain_name, full=False) for job in reversed(domain.identity_jobs)
            ]
        }

    def _current_matches(self, domain: Domain) -> tuple[IdentityResolutionJob | None, list[Any]]:
        self._run_scheduled(domain)
        if not domain.identity_jobs:
            return None, []
        job: IdentityResolutionJob = domain.identity_jobs[-1]
        if now() > job.ended_at + RESULTS_KEPT:
            return job, []
        current = []
        for members, score in job.matches:
            alive = [pid for pid in members if pid in domain.profiles]
            if len(alive) >= 2:
                current.append((alive, score))
        return job, current

    @operation("GetMatches")
    def get_matches(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._matching(domain)
        job, matches = self._current_matches(domain)
        result: dict[str, Any] = {
            "Matches": [
                {"MatchId": match_id(members), "ProfileIds": members, "ConfidenceScore": score}
                for members, score in matches
            ],
            "PotentialMatches": len(matches),
        }
        if job is not None:
            result["MatchGenerationDate"] = job.ended_at
        return result

    @operation("GetAutoMergingPreview")
    def get_auto_merging_preview(
        self,
        domain_name: str,
        consolidation: dict[str, Any],
        conflict_resolution: dict[str, Any],
        min_allowed_confidence_score_for_merging: float | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._matching(domain)
        _, matches = self._current_matches(domain)
        settings = {"Consolidation": consolidation, "ConflictResolution": conflict_resolution,
                    "MinAllowedConfidenceScoreForMerging":
                        min_allowed_confidence_score_for_merging}  # fmt: skip
        groups = self._mergeable(domain, matches, settings)
        return {
            "DomainName": domain_name,
            "NumberOfMatchesInSample": len(matches),
            "NumberOfProfilesInSample": sum(len(members) for members, _ in matches),
            "NumberOfProfilesWillBeMerged": sum(len(group) - 1 for group in groups),
        }

    # -- rule-based matching -----------------------------------------------------------------
    def _rule_groups(self, domain: Domain) -> list[tuple[list[str], int]]:
        config = domain.settings.get("RuleBasedMatching") or {}
        if not config.get("Enabled"):
            raise BadRequestException(
                "RuleBasedMatching is not enabled: set RuleBasedMatching.Enabled to true"
            )
        rules = [list(r.get("Rule") or []) for r in config.get("MatchingRules") or []]
        highest = config.get("MaxAllowedRuleLevelForMatching")
        if highest:
            rules = rules[: int(highest)]
        return rule_groups(domain.profiles, rules, config.get("AttributeTypesSelector") or {})

    @operation("ListRuleBasedMatches")
    def list_rule_based_matches(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {"MatchIds": [match_id(members) for members, _ in self._rule_groups(domain)]}

    @operation("GetSimilarProfiles")
    def get_similar_profiles(
        self, domain_name: str, match_type: str, search_key: str, search_value: str
    ) -> dict[str, Any]:
        """The profiles matched with the one ``SearchKey``/``SearchValue`` finds (a key of
        the search index, such as ``_profileId`` or ``_email``)."""
        domain = self.get_domain_state(domain_name)
        found = domain.index.find(search_key, [search_value])
        if not found:
            raise ResourceNotFoundException(f"No profile has {search_key}={search_value}")
        if match_type == "RULE_BASED_MATCHING":
            for members, level in self._rule_groups(domain):
                if found & set(members):
                    return {"ProfileIds": members, "MatchId": match_id(members),
                            "MatchType": match_type, "RuleLevel": level}  # fmt: skip
        else:
            self._matching(domain)
            for members, score in self._current_matches(domain)[1]:
                if found & set(members):
                    return {"ProfileIds": members, "MatchId": match_id(members),
                            "MatchType": match_type, "ConfidenceScore": score}  # fmt: skip
        return {"ProfileIds": [], "MatchType": match_type}
