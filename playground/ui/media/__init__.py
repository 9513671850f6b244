"""Media: export pictures, record videos, and the headless render command."""
