// The one shared doctest main (nlohmann/json + doctest habit).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
