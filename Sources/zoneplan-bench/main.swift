print("zoneplan-bench: not built yet")
