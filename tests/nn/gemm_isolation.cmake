# The AVX2/FMA product kernel's object (lib/nn/src/gemm_avx2.cpp, built with -mavx2 -mfma) must
# define no weak symbol another file could also define: the linker keeps one copy of each, and an
# AVX2 copy of a shared inline function (a std:: or Eigen:: template) would run on CPUs without
# AVX2. Allowed: the renamed Eigen namespace, the personality reference every C++ object carries.
# Fails too when the object or its entry point is missing, so it cannot pass vacuously.
# Usage: cmake -DNM=<nm> -DOBJECTS=<a|b|...> -P gemm_isolation.cmake
string(REPLACE "|" ";" objects "${OBJECTS}")
set(object "")
foreach(o IN LISTS objects)
  if(o MATCHES "gemm_avx2\\.cpp\\.o$")
    set(object "${o}")
  endif()
endforeach()
if(object STREQUAL "" OR NOT EXISTS "${object}")
  message(FATAL_ERROR "gemm_avx2.cpp.o is not among the objects of nnadc_nn: ${OBJECTS}")
endif()
execute_process(COMMAND "${NM}" -C --defined-only "${object}" OUTPUT_VARIABLE listing
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${object}")
endif()
if(NOT listing MATCHES " T nnadc::nn::detail::gemmAvx2\\(")
  message(FATAL_ERROR "${object} does not define nnadc::nn::detail::gemmAvx2")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(shared "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-f]* [WVuw] (.*)$")
    set(symbol "${CMAKE_MATCH_1}")
    if(NOT symbol MATCHES "nnadc_eigen_avx2" AND NOT symbol STREQUAL "DW.ref.__gxx_personality_v0")
      string(APPEND shared "\n  ${symbol}")
    endif()
  endif()
endforeach()
if(NOT shared STREQUAL "")
  message(FATAL_ERROR "${object} defines weak symbols other objects may share:${shared}")
endif()
message(STATUS "gemm_avx2.cpp.o: no shared weak symbols")
