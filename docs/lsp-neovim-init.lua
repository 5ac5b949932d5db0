-- statute lsp for every YAML file inside a rulebook folder (one holding rulebook.yaml)
vim.o.swapfile = false
local client_id
vim.api.nvim_create_autocmd("FileType", {
  pattern = "yaml",
  callback = function(args)
    local found = vim.fn.findfile("rulebook.yaml", vim.fn.expand("%:p:h") .. ";")
    if found == "" then return end
    if not client_id then
      client_id = vim.lsp.start_client({
        name = "statute",
        cmd = { "statute", "lsp" },  -- or { "python", "-m", "engine.cli", "lsp" } from a clone
        root_dir = vim.fn.fnamemodify(found, ":p:h"),
      })
    end
    vim.lsp.buf_attach_client(args.buf, client_id)
    vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc"
    vim.keymap.set("n", "K", vim.lsp.buf.hover, { buffer = args.buf })
    vim.keymap.set("n", "gd", vim.lsp.buf.definition, { buffer = args.buf })
    vim.keymap.set("n", "gr", vim.lsp.buf.references, { buffer = args.buf })
  end,
})
