"""The computational graph of the inspected point's loss, and the Expression mode."""
