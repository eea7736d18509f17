"""Bring your own district: village lists from office spreadsheets and OpenStreetMap,
commune boundaries, and the district folder a team fills in."""
