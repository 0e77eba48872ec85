# Found next to c.jq through c's {search: "./"}.
def meh: "meh";
