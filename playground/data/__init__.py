"""Datasets (no Qt): points, classes, generators, undoable edits, features and files."""

from .dataset import DOMAIN, MAX_POINTS, Dataset
from .edits import (
    AddPoints,
    Clear,
    InsertPoints,
    MovePoints,
    RemoveAdded,
    RemovePoints,
    Restore,
    SetLabels,
    remove_within,
)
from .features import FEATURES, Standardizer, compute_features
from .generators import DATASET_NAMES, describe, make_dataset, takes_classes, task_of
from .io import ImportNotice, LoadedDataset, load_dataset, read_dataset, save_dataset
from .palette import MAX_CLASSES, OKABE_ITO

__all__ = [
    "Dataset",
    "DOMAIN",
    "MAX_POINTS",
    "MAX_CLASSES",
    "OKABE_ITO",
    "make_dataset",
    "DATASET_NAMES",
    "describe",
    "task_of",
    "takes_classes",
    "AddPoints",
    "RemovePoints",
    "RemoveAdded",
    "InsertPoints",
    "MovePoints",
    "SetLabels",
    "Clear",
    "Restore",
    "remove_within",
    "FEATURES",
    "Standardizer",
    "compute_features",
    "load_dataset",
    "save_dataset",
    "read_dataset",
    "LoadedDataset",
    "ImportNotice",
]
