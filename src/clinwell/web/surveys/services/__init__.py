"""State changes for survey waves: setup, launch, invitations, submissions, closing."""
