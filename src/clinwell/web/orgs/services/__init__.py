"""State changes for organizations, units and the roster (views call these, never .save())."""
