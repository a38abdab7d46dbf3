# The rule "no header Qt code includes sees libtorch" (Qt's slots/signals macros break torch's
# headers), enforced by the build: for each listed header a one-line translation unit includes
# it and fails to compile if any libtorch header came with it (c10's macros header is the one
# every torch header includes). Built as part of `all`, so a violation fails every build.
function(srlab_check_torch_free_headers target)
  set(sources)
  foreach(header ${ARGN})
    get_filename_component(abs ${header} ABSOLUTE)
    string(MAKE_C_IDENTIFIER ${header} id)
    set(tu ${CMAKE_CURRENT_BINARY_DIR}/torch_free/${id}.cpp)
    file(GENERATE OUTPUT ${tu} CONTENT "#include \"${abs}\"
#ifdef C10_MACROS_MACROS_H_
#error \"${header} brings in libtorch headers: headers Qt code includes must stay torch-free\"
#endif
")
    list(APPEND sources ${tu})
  endforeach()
  add_library(${target}_torch_free_check OBJECT ${sources})
  target_link_libraries(${target}_torch_free_check PRIVATE ${target})
  set_target_properties(${target}_torch_free_check PROPERTIES AUTOMOC OFF)
endfunction()
