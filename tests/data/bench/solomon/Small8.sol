Route #1: 1 2 3
Route #2: 4 5 6
Route #3: 7 8
Cost 160.7
