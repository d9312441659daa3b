// A shared library that is not a castnet plugin: it exports a function, but no castnet_plugins.
extern "C" int some_other_library_function() { return 42; }
