# Found as b/b.jq (a module in its own directory): bar::a is "b", bar::b is "c".
def a: "b";
def b: "c";
