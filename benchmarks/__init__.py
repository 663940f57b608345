"""Quality and speed benchmarks for the detection engine; each script is its own entry point."""
