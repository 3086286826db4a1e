# -Werror applies to rocd's own code only: dependencies come in as system
# headers, whose warnings are not ours to fix.
add_compile_options(-Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports -Wrestrict on plain std::string concatenation at -O2+
  # (GCC bug 105651, fixed in 13): a false positive in libstdc++ itself.
  add_compile_options(-Wno-restrict)
  # Likewise -Wmaybe-uninitialized on std::string/std::optional members of
  # temporaries at -O3 (GCC bugs 105562, 107919).
  add_compile_options(-Wno-maybe-uninitialized)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Clang asks for braces around an aggregate's base class ({{uid, name}}
  # for a PeerRecord deriving from Peer): GCC's -Wall does not, and the
  # flat form is the one C++17 aggregate bases were designed for.
  add_compile_options(-Wno-missing-braces)
endif()
