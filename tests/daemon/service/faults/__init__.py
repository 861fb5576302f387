"""Process-level fault tests: `parcelwatch run` killed, its servers gone, its database locked."""
