"""Developer tools, not part of the product: the test driver and the UI benchmark."""
