"""The timeline row: scrub back through training and continue from a past epoch."""
