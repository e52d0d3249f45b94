import SpendAggregation

print("spendtop")
