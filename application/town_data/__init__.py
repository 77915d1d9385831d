"""The town's own data as a whole: the export a town takes to leave for another system
(ADR 0035)."""
