# netinspect's fixture for jq.test's module cases: `import "a" as foo; foo::a` is "a".
module {version: 1};
def a: "a";
