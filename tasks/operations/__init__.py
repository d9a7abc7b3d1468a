"""Running claimtrack in production: the local stack, health checks, backups."""
