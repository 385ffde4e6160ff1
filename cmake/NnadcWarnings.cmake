# Warnings and sanitizer flags live in INTERFACE targets that every nnadc target links, so a
# build switch changes them in one place (CLI11 habit).
add_library(nnadc_warnings INTERFACE)
target_compile_options(nnadc_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  # Metrics must be reproducible across compilers: no fused multiply-add contraction.
  -ffp-contract=off)
if(NNADC_WERROR)
  target_compile_options(nnadc_warnings INTERFACE -Werror)
endif()
if(NNADC_SANITIZE)
  # Every UBSan check but vptr (the dynamic type of polymorphic objects): GCC 12 instruments
  # each virtual call and downcast for it, which made ASan+UBSan objects take half again as long
  # to compile (flow_json.cpp at -O1 -g1: 25.0 s with it, 16.7 s without; release -O2: 12 s),
  # the largest share of CI's time. The tests' class hierarchies are shallow and ASan still
  # catches use of a destroyed object.
  target_compile_options(nnadc_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(nnadc_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr)
  # With the sanitizers' instrumentation and optimisation (the CI builds them at -O1), GCC 12
  # reports -Wmaybe-uninitialized inside libstdc++'s <regex> and <functional>: known false
  # positives that the release build (also -Werror) does not show. The release build keeps it.
  target_compile_options(nnadc_warnings INTERFACE -Wno-maybe-uninitialized)
endif()

# Extra compile flags for the glue code: JSON and file I/O (lib/io), the report pages (lib/report),
# the command-line shell (tools/) and the tests, not the numerical libraries. The test command's
# sanitizer build passes -O0: those files were ~60 % of its compile time at -O1 and take about a
# third less unoptimised under ASan+UBSan (two runs on 2 cores, corrected for the host's drift),
# while the code the tests spend their time in (models, training, metrics, the simulator interface)
# keeps -O1: the sanitizer tests took the same time.
set(NNADC_GLUE_CXX_FLAGS "" CACHE STRING
  "Extra compile flags for lib/io, lib/report, tools/ and tests/ (the sanitizer CI build: -O0)")
add_library(nnadc_glue INTERFACE)
separate_arguments(nnadc_glue_flags UNIX_COMMAND "${NNADC_GLUE_CXX_FLAGS}")
target_compile_options(nnadc_glue INTERFACE ${nnadc_glue_flags})

# Helper: define one nnadc library module lib/<name> with public headers in include/.
function(nnadc_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(nnadc_${name} STATIC ${ARG_SOURCES})
  add_library(nnadc::${name} ALIAS nnadc_${name})
  target_include_directories(nnadc_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(nnadc_${name} PUBLIC ${ARG_DEPS} PRIVATE nnadc_warnings ${ARG_PRIVATE_DEPS})
endfunction()
