# embed.cmake - the operator pages' CSS and JS (hub/assets/*.css, *.js, *.svg)
# as C arrays linked into linli_hub (hub/web.h: hub_web_assets), so that
# `linli-hub serve` needs no files beside the binary.  Included once from
# hub/CMakeLists.txt after linli_hub exists; the function is shared with the
# node's assets (cmake/Embed.cmake).
include(${PROJECT_SOURCE_DIR}/cmake/Embed.cmake)
get_property(_linli_hub_assets_done GLOBAL PROPERTY LINLI_HUB_ASSETS_EMBEDDED)
if(NOT _linli_hub_assets_done AND TARGET linli_hub)
  set_property(GLOBAL PROPERTY LINLI_HUB_ASSETS_EMBEDDED TRUE)
  linli_embed_assets(TARGET linli_hub DIR ${CMAKE_CURRENT_LIST_DIR} HEADER "hub/web.h"
                     TYPE hub_web_asset TABLE hub_web_assets N_NAME hub_web_n_assets)
endif()
