# Install the runtime library and its headers, and export them so that
# another project can do:
#   find_package(corolab REQUIRED)
#   target_link_libraries(app PRIVATE corolab::runtime)   # or corolab::http, corolab::testing
include(CMakePackageConfigHelpers)

set(COROLAB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/corolab)

install(TARGETS corolab_runtime corolab_http corolab_testing EXPORT corolabTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(layer IN ITEMS core http testing)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/${layer}/include/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT corolabTargets
  NAMESPACE corolab::
  DESTINATION ${COROLAB_CMAKE_DIR})

# Threads is always a dependency. fmt and CURL become one only if the runtime
# or corolab::http links them (a static library's private links show up as $<LINK_ONLY:...>),
# so consumers are never asked for packages the runtime does not use.
get_target_property(_corolab_links corolab_runtime INTERFACE_LINK_LIBRARIES)
get_target_property(_corolab_http_links corolab_http INTERFACE_LINK_LIBRARIES)
list(APPEND _corolab_links ${_corolab_http_links})
set(COROLAB_FIND_DEPENDENCIES "find_dependency(Threads)")
foreach(_pkg IN ITEMS fmt CURL)
  if("${_corolab_links}" MATCHES "${_pkg}::")
    string(APPEND COROLAB_FIND_DEPENDENCIES "\nfind_dependency(${_pkg})")
  endif()
endforeach()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/corolabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/corolabConfig.cmake
  INSTALL_DESTINATION ${COROLAB_CMAKE_DIR})
# 0.x: a minor version bump may break the API.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/corolabConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/corolabConfig.cmake
  ${PROJECT_BINARY_DIR}/corolabConfigVersion.cmake
  DESTINATION ${COROLAB_CMAKE_DIR})
