"""Jobs: long work (imports, campaigns, the demo seed) stored with its progress and run by a job
queue: `job.py` (the stored job), `catalog.py` (the kinds of job there are), `running.py`
(starting and running one)."""
