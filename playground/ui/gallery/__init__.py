"""File > Examples… (a gallery of the shipped lessons) and the dataset thumbnails it shares
with the DATA panel's preset box."""

from .feature import ExampleGallery, install_gallery

__all__ = ["ExampleGallery", "install_gallery"]
