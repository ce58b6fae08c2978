"""Statistical models of customer value: arrays in, arrays out; no Django imports."""
