"""Everything that uses Qt. The core packages never import from here.

Layers, each importing only those below it: ``shell`` (window, controller, page factory)
> ``pages`` > ``widgets`` > ``services`` and ``input``.
"""
