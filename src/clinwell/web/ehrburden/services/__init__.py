"""Services of the EHR app: inputs, runs (the background job), roster mapping and reports."""
