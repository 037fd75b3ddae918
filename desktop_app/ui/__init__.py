"""Everything that imports Qt: the window, widgets and the bridge to the engine loop."""
