"""The managers' desk: pending requests of the venues I manage, and the planning of a venue."""
