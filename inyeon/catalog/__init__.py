"""The product catalogue: images, price lists per currency and customer segment, and the product
configurator (option groups, options, price adjustments and rules between options)."""
