"""Lessons: the lesson card (Back / Next through captioned steps), File > Open Lesson… and Save as Lesson…."""

from .feature import LessonFeature, install_lessons

__all__ = ["LessonFeature", "install_lessons"]
