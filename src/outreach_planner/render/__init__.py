"""Renderers: each reads a `Plan` and returns bytes; `outputs` writes them."""
