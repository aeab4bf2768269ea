"""The audit trail: a hash chain over each application's events, signed checkpoints,
verification, the per-consortium export and the script that checks it offline."""
