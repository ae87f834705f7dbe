# embed.cmake - the staff page's CSS, JS and icon (node/assets/*) as C arrays
# linked into linli_node (node/web_assets.h: node_web_assets), so that
# `linli-node serve` needs no files beside the binary and serves nothing from
# outside.  Included from node/CMakeLists.txt (and tests/web.cmake); a second
# include is a no-op.  The function is shared with the hub (cmake/Embed.cmake).
include(${PROJECT_SOURCE_DIR}/cmake/Embed.cmake)
get_property(_linli_assets_done GLOBAL PROPERTY LINLI_WEB_ASSETS_EMBEDDED)
if(NOT _linli_assets_done AND TARGET linli_node)
  set_property(GLOBAL PROPERTY LINLI_WEB_ASSETS_EMBEDDED TRUE)
  linli_embed_assets(TARGET linli_node DIR ${CMAKE_CURRENT_LIST_DIR} HEADER "node/web_assets.h"
                     TYPE node_web_asset TABLE node_web_assets N_NAME node_web_n_assets)
endif()
