"""REFI-QDA exchange: a study as a ``.qdpx`` project or a ``.qdc`` codebook, and back.

- :mod:`.ids` — stable GUIDs for objects that have no UUID of their own.
- :mod:`.spec` — names of the standard: namespaces, variables we write, limits.
- :mod:`.export` — streamed writers (zip entries and XML written piece by piece).
- :mod:`.safety` — safe XML parsing and a guarded zip reader.
- :mod:`.importer` — read a file into a plan (preview and problems), then write it in one go.
- :mod:`.validation` — schema validation against the REFI-QDA XSDs (tests and commands).
"""
