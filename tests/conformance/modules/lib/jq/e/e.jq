# Found through c's {search: "./../lib/jq"}, as lib/jq/e/e.jq.
def bah: "bah";
