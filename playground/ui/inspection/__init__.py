"""Inspection: the Inspect tool and the chain-rule panel for one data point."""
