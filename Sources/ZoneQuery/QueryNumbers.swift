import ZoneGeometry

/// Figures in query texts (the grid table's description, coordinate errors): `DecimalText.format`,
/// the one number formatter.
func fmt(_ d: Double, _ decimals: Int = 2) -> String { DecimalText.format(d, places: decimals) }
