# A later definition of the same name shadows the earlier one.
def e: 1;
def e: 2;
