"""Identity resolution: matching jobs, rule-based matching, merging."""
