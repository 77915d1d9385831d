"""The audit log: recording what staff do and look at, and verifying the hash chain."""
