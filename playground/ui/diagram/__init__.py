"""The network diagram: units as small maps, edges by weight, gradient health, network presets."""
