"""Developer tools, not part of the product: the test driver and the UI benchmark."""

# Here, not in driver.py, so that the entry point can look for it without importing the driver.
DRIVER_ENV = "PLAYGROUND_TEST_DRIVER"  # names a JSON script that drives the app (devtools/driver.py)
