# Install the runtime library and its headers, and export them so that
# another project can do:
#   find_package(corolab REQUIRED)
#   target_link_libraries(app PRIVATE corolab::runtime)   # or corolab::http, ::redis, ::testing
include(CMakePackageConfigHelpers)

set(COROLAB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/corolab)

install(TARGETS corolab_runtime corolab_http corolab_redis corolab_testing EXPORT corolabTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(layer IN ITEMS core http redis testing)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/${layer}/include/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT corolabTargets
  NAMESPACE corolab::
  DESTINATION ${COROLAB_CMAKE_DIR})

# Threads is always a dependency. fmt and CURL become one only if the runtime,
# corolab::http or corolab::redis links them (a static library's private links
# show up as $<LINK_ONLY:...>), so consumers are never asked for packages the
# runtime does not use. hiredis has no CMake package: it is found as the build
# found it, with pkg-config, which recreates the PkgConfig::HIREDIS target.
set(_corolab_links "")
foreach(_target IN ITEMS corolab_runtime corolab_http corolab_redis)
  get_target_property(_target_links ${_target} INTERFACE_LINK_LIBRARIES)
  list(APPEND _corolab_links ${_target_links})
endforeach()
set(COROLAB_FIND_DEPENDENCIES "find_dependency(Threads)")
foreach(_pkg IN ITEMS fmt CURL)
  if("${_corolab_links}" MATCHES "${_pkg}::")
    string(APPEND COROLAB_FIND_DEPENDENCIES "\nfind_dependency(${_pkg})")
  endif()
endforeach()
if("${_corolab_links}" MATCHES "PkgConfig::HIREDIS")
  string(APPEND COROLAB_FIND_DEPENDENCIES "\nfind_dependency(PkgConfig)"
    "\npkg_check_modules(HIREDIS REQUIRED QUIET IMPORTED_TARGET hiredis)")
endif()

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
