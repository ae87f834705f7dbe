# Tests of the staff web page (node/web*.c): browser tests that run `linli-node serve` on a free
# loopback port and drive Debian's headless Chromium with playwright-core.
include(${PROJECT_SOURCE_DIR}/node/assets/embed.cmake)


find_program(LINLI_NODEJS NAMES node nodejs)
find_program(LINLI_NPM npm)
find_program(LINLI_CHROMIUM NAMES chromium chromium-browser)
if(TARGET linli-node AND LINLI_NODEJS AND LINLI_NPM)
  # npm ci once per build tree, as a fixture, into the build directory: the
  # source tree never gets a node_modules.
  set(WEB_NPM_DIR ${CMAKE_CURRENT_BINARY_DIR}/web-npm)
  add_test(NAME web_npm_ci
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/web/npm-ci.sh
                   ${CMAKE_CURRENT_SOURCE_DIR}/web ${WEB_NPM_DIR})
  set_tests_properties(web_npm_ci PROPERTIES FIXTURES_SETUP web_npm TIMEOUT 300 LABELS web)

  # Idle memory is only meaningful without sanitizers.
  if(LINLI_SANITIZE)
    set(WEB_RSS_MAX 0)
  else()
    set(WEB_RSS_MAX 10240)
  endif()
  set(WEB_ENV
      "LINLI_NODE_BIN=$<TARGET_FILE:linli-node>"
      "LINLI_WEB_MODULES=${WEB_NPM_DIR}/node_modules"
      "LINLI_CHROMIUM=${LINLI_CHROMIUM}"
      "LINLI_WEB_OUT=${CMAKE_CURRENT_BINARY_DIR}/web-out"
      "LINLI_WEB_RSS_MAX_KB=${WEB_RSS_MAX}")
  if(TARGET linli-hub)
    # browser_review runs a real street hub next to the node.
    list(APPEND WEB_ENV "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>")
  endif()

  add_test(NAME web_security
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/security.test.js)
  set_tests_properties(web_security PROPERTIES ENVIRONMENT "${WEB_ENV}" TIMEOUT 120 LABELS web)

  if(LINLI_CHROMIUM)
    # One CTest test per file (web_browser_report, ...), each with its own server.
    file(GLOB WEB_BROWSER_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/web/browser_*.test.js)
    foreach(script ${WEB_BROWSER_TESTS})
      get_filename_component(name ${script} NAME)
      string(REGEX REPLACE "\\.test\\.js$" "" name ${name})
      add_test(NAME web_${name} COMMAND ${LINLI_NODEJS} --test ${script})
      set_tests_properties(web_${name} PROPERTIES ENVIRONMENT "${WEB_ENV}"
                           FIXTURES_REQUIRED web_npm TIMEOUT 120 LABELS web)
    endforeach()
  endif()
endif()
