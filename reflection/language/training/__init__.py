"""Training data and training for the checker's learned components (textcat + spancat)."""
