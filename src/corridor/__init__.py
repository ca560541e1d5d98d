"""Corridor: a node for paperless trade along an international rail-sea corridor."""

__version__ = "0.1.0"
