"""Delivering activation outputs to outside systems: webhooks for trigger actions, files for
audiences (docs/activation.md). Both only ever read the warehouse read-only."""
