import Cairn
print("cairn-bench: placeholder")
